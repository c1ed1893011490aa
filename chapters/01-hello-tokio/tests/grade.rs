grader::chapter1!(chapter_1);
