grader::chapter2!(chapter_2);
